import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '@runlens/schemas';
import { DETECTORS, detectorRegistry } from './registry.ts';
import { makeWindow } from './testdata/windows.ts';

describe('detector registry', () => {
  it('keys each detector by its finding kind, from the findings vocabulary', () => {
    for (const [key, def] of Object.entries(detectorRegistry)) {
      expect(def.id).toBe(key);
      expect(FINDING_KINDS).toContain(def.id);
    }
    expect(DETECTORS.length).toBe(Object.keys(detectorRegistry).length);
  });

  it('no detector fires on an empty window or a two-tick window', () => {
    for (const d of DETECTORS) {
      expect(d.evaluate(makeWindow({ n: 0, tick: () => ({}) }))).toEqual([]);
      expect(d.evaluate(makeWindow({ n: 2, tick: () => ({ cpu_cores: 1, pegged_cpu_cores: 1 }) }))).toEqual([]);
    }
  });
});
