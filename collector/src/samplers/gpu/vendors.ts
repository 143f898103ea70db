import type { PolledAccelerator } from './accelerator.ts';
import { amdSmi } from './amd/amd-smi.ts';
import { rocmSmi } from './amd/parse.ts';
import { npuSmi } from './ascend/parse.ts';

/** Non-NVIDIA vendors in the order they are looked for: config key, default CLI name, source. */
export const POLLED_VENDORS = [
  { key: 'rocm_smi', cli: 'rocm-smi', src: rocmSmi },
  { key: 'amd_smi', cli: 'amd-smi', src: amdSmi },
  { key: 'npu_smi', cli: 'npu-smi', src: npuSmi },
] as const satisfies readonly { key: string; cli: string; src: PolledAccelerator }[];
