import { FINDING_KINDS } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { findingNotes } from './finding-notes.ts';

describe('findingNotes', () => {
  it('reads the detector README of a kind, and nothing outside the detectors', async () => {
    await expect(findingNotes('slow_node')).resolves.toMatch(/^# slow_node\n/);
    await expect(findingNotes('regression')).resolves.toBeNull();
    await expect(findingNotes('../../README')).resolves.toBeNull();
  });

  it('has notes for every kind a detector raises', async () => {
    const missing = [];
    for (const k of FINDING_KINDS) if ((await findingNotes(k)) === null) missing.push(k);
    expect(missing.sort()).toEqual(['memory_bandwidth_bound', 'regression']);
  });
});
