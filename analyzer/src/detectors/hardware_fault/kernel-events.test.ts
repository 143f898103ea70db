import { describe, expect, it } from 'vitest';
import { eventRows, eventWindow } from '../testdata/node-events.ts';
import { hardwareFault } from './index.ts';

const kernel = eventRows('hardware_fault', 'documented-kernel.rows.json');
const bridge = eventRows('hardware_fault', 'real-bridge-link.rows.json');
const T = 1_795_086_400_000;

describe('hardware_fault from kernel events', () => {
  it('reports XID (by GPU and code, with its meaning), MCE, EDAC and physical link-downs on the run\'s host while it was live', () => {
    const found = hardwareFault.evaluate(eventWindow({ events: kernel, from: T, to: T + 10_000, pids: [48213, 1896] }));
    expect(found.map((f) => [f.scope, f.scope_id, f.severity, f.evidence.xid ?? f.evidence.source ?? f.evidence.came_back])).toEqual([
      ['gpu', '0000:3b:00', 'critical', 79],
      ['gpu', '0000:01:00', 'warning', 13],
      ['gpu', '0000:10:1c', 'critical', 63],
      ['host', '', 'warning', 'mce'],
      ['host', 'cpu3', 'critical', 'mce'],
      ['host', 'MC0', 'warning', 'edac'],
      ['host', 'MC1', 'critical', 'edac'],
      ['port', 'ens1f0np0', 'warning', true],
      ['port', 'eno1', 'critical', false],
      ['port', '0000:5e:00.0', 'critical', false],
    ]);
    const fell = found[0];
    expect(fell?.message).toBe('Hardware fault: GPU 0000:3b:00 reported XID 79 (GPU has fallen off the bus) 1× during the run');
    expect(fell?.advice).toMatch(/drain the node.*nvidia-smi -q -d ECC,ROW_REMAPPER/);
    expect(found[1]?.advice).toContain('compute-sanitizer');
  });

  it('skips an XID naming another job\'s pid (45 of pid 12542), events outside the run, and bridge/veth port flaps (real capture)', () => {
    const found = hardwareFault.evaluate(eventWindow({ events: kernel, from: T, to: T + 10_000, pids: [48213] }));
    expect(found.some((f) => f.evidence.xid === 45)).toBe(false);
    expect(hardwareFault.evaluate(eventWindow({ events: kernel, from: T + 60_000, to: T + 70_000 }))).toEqual([]);
    const b = bridge[0]?.ts ?? 0;
    expect(bridge.map((r) => r.kind)).toContain('link_down');
    expect(hardwareFault.evaluate(eventWindow({ events: bridge, from: b - 1000, to: b + 3000 }))).toEqual([]);
  });
});
