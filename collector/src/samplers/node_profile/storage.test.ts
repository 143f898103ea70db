import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageCapability, blockDevices, deviceRow, mountOf } from './storage.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function put(root: string, rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** sysfs of a VM: a virtio disk with a partition, a loop device, zram, an empty card reader. */
function fakeSys(): string {
  const root = mkdtempSync(join(tmpdir(), 'storage-'));
  dirs.push(root);
  put(root, 'sys/block/vda/dev', '254:0\n');
  put(root, 'sys/block/vda/size', '536870912\n');
  put(root, 'sys/block/vda/queue/rotational', '1\n');
  put(root, 'sys/block/vda/vda1/dev', '254:1\n');
  put(root, 'sys/block/nvme0n1/dev', '259:0\n');
  put(root, 'sys/block/nvme0n1/size', '2000\n');
  put(root, 'sys/block/nvme0n1/queue/rotational', '0\n');
  put(root, 'sys/block/nvme0n1/device/model', 'Samsung SSD 990 PRO  \n');
  for (const d of ['loop0', 'zram0']) { put(root, `sys/block/${d}/size`, '100\n'); put(root, `sys/block/${d}/dev`, '7:0\n'); }
  put(root, 'sys/block/sdb/size', '0\n');
  put(root, 'proc/self/mountinfo', '27 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n30 27 259:0 / /scratch ro,relatime - xfs /dev/nvme0n1 ro\n');
  return root;
}

describe('block device capability', () => {
  it('lists real block devices only, with model, size and rotation', () => {
    const root = fakeSys();
    expect(blockDevices(join(root, 'sys')).sort((a, b) => a.device.localeCompare(b.device))).toEqual([
      { device: 'nvme0n1', dev: '259:0', model: 'Samsung SSD 990 PRO', size_bytes: 1_024_000, rotational: 0 },
      { device: 'vda', dev: '254:0', model: '', size_bytes: 274_877_906_944, rotational: 1 },
    ]);
  });

  it('finds a writable mount on the device or its partitions, and none on a read-only one', () => {
    const root = fakeSys();
    const [nvme, vda] = blockDevices(join(root, 'sys')).sort((a, b) => a.device.localeCompare(b.device));
    expect(mountOf(join(root, 'proc'), join(root, 'sys'), vda!)).toBe('/');
    expect(mountOf(join(root, 'proc'), join(root, 'sys'), nvme!)).toBeNull();
  });

  it('says declared, measured or unknown, never a guess', () => {
    const d = { device: 'vda', dev: '254:0', model: '', size_bytes: 1e12, rotational: 1 };
    const measured = { read_bytes_per_s: 5e8, write_bytes_per_s: 3e8, at: 1, detail: 'fio' };
    expect(deviceRow(1, 'h', d, { vda: { write_bytes_per_s: 2e9 } }, measured, '')).toMatchObject({ source: 'declared', read_bytes_per_s: null, write_bytes_per_s: 2e9 });
    expect(deviceRow(1, 'h', d, {}, measured, '')).toMatchObject({ source: 'measured', read_bytes_per_s: 5e8, write_bytes_per_s: 3e8, detail: 'fio' });
    expect(deviceRow(1, 'h', d, {}, undefined, 'probe off')).toMatchObject({ source: 'unknown', read_bytes_per_s: null, write_bytes_per_s: null, detail: 'probe off' });
  });

  it('with the probe off and nothing declared, every device is unknown, with the reason', async () => {
    const root = fakeSys();
    const cap = new StorageCapability(join(root, 'proc'), join(root, 'sys'), { probe: false, probe_seconds: 1, max_age_days: 30, declared: {} });
    await cap.measure();
    const rows = cap.rows(5, 'h1');
    expect(rows.map((r) => [r.device, r.source])).toEqual(expect.arrayContaining([['vda', 'unknown'], ['nvme0n1', 'unknown']]));
    expect(rows[0]?.detail).toContain('probe is off');
  });
});
