import { groupBy } from '@runlens/schemas';
import type { FindingDraft } from '../detector.ts';
import { liveEvents } from '../node-events.ts';
import type { HostEvent, HostView } from '../../window/run-window.ts';

type Draft = Omit<FindingDraft, 'kind' | 'host'>;

/** NVIDIA's Xid catalog (docs.nvidia.com/deploy/xid-errors): what the code means and whose fault it usually is. */
const XID: Readonly<Record<number, readonly [string, 'app' | 'hw']>> = {
  13: ['graphics engine exception', 'app'], 31: ['GPU memory page fault', 'app'], 43: ['GPU stopped processing', 'app'],
  45: ['preemptive cleanup after an earlier error', 'app'], 48: ['double-bit ECC error', 'hw'], 61: ['internal micro-controller breakpoint', 'hw'],
  62: ['internal micro-controller halt', 'hw'], 63: ['ECC page retirement or row remapping', 'hw'], 64: ['row remapping failure', 'hw'],
  74: ['NVLink error', 'hw'], 79: ['GPU has fallen off the bus', 'hw'], 92: ['high single-bit ECC error rate', 'hw'],
  94: ['contained ECC error', 'hw'], 95: ['uncontained ECC error', 'hw'], 119: ['GSP RPC timeout', 'hw'], 120: ['GSP error', 'hw'],
};
/** Interfaces that come and go with containers and namespaces: their carrier is no hardware. */
const VIRTUAL_IF = /^(veth|docker|br-|virbr|cali|flannel|cni|tap|tun|vnet|lo$)/;

const worst = (evs: readonly HostEvent[]): 'warning' | 'critical' => (evs.some((e) => e.severity === 'critical') ? 'critical' : 'warning');
const span = (evs: readonly HostEvent[]): { start_ts: number; end_ts: number } => ({ start_ts: evs[0]?.ts ?? 0, end_ts: evs[evs.length - 1]?.ts ?? 0 });

function xidFault(device: string, code: number | null, evs: readonly HostEvent[]): Draft {
  const [meaning, whose] = XID[code ?? -1] ?? ['see NVIDIA\'s Xid catalog', 'hw'];
  const pids = [...new Set(evs.map((e) => e.pid).filter((p) => p !== null))].join(',');
  return {
    ...span(evs), severity: whose === 'hw' ? 'critical' : worst(evs), scope: 'gpu', scope_id: device, confidence: 0.95,
    message: `Hardware fault: GPU ${device} reported XID ${code ?? '?'} (${meaning}) ${evs.length}× during the run`,
    advice: whose === 'app'
      ? `XID ${code} usually comes from the application (an illegal memory access or a killed kernel): rerun with compute-sanitizer or CUDA_LAUNCH_BLOCKING=1; if it recurs on GPU ${device} only, treat it as hardware and drain the node.`
      : `XID ${code} on GPU ${device} points at the hardware: drain the node (scontrol update nodename=<host> state=drain reason="XID ${code}"), check nvidia-smi -q -d ECC,ROW_REMAPPER and dmesg | grep Xid, reset the GPU (nvidia-smi -r) or have it reseated/replaced; rerun the job elsewhere.`,
    evidence: { xid: code, meaning, pci: device, events: evs.length, pids, kernel_line: evs[0]?.raw ?? '' },
  };
}

function memoryFault(device: string, evs: readonly HostEvent[]): Draft {
  const kind = evs[0]?.kind ?? 'mce';
  return {
    ...span(evs), severity: worst(evs), scope: 'host', scope_id: device, confidence: 0.9,
    message: `Hardware fault: ${kind === 'edac' ? 'EDAC memory' : 'machine check'} error${device ? ` on ${device}` : ''} ${evs.length}× during the run (${evs[0]?.detail ?? ''})`,
    advice: 'Memory or CPU errors on the node: uncorrected (UE / Machine Check Exception) may corrupt results, rerun elsewhere and drain the node; '
      + 'corrected (CE) ones that keep coming point at a failing DIMM: check edac-util -v / ras-mc-ctl --errors and tell operations which DIMM.',
    evidence: { source: kind, device, events: evs.length, kernel_line: evs[0]?.raw ?? '' },
  };
}

function linkFault(device: string, evs: readonly HostEvent[], all: readonly HostEvent[]): Draft | null {
  const downs = evs.filter((e) => e.kind === 'link_down');
  if (downs.length === 0) return null;
  const last = downs[downs.length - 1]?.ts ?? 0;
  const back = all.some((e) => e.kind === 'link_up' && e.device === device && e.ts >= last);
  return {
    ...span(downs), severity: back ? 'warning' : 'critical', scope: 'port', scope_id: device, confidence: 0.9,
    message: `Hardware fault: link ${device} went down ${downs.length}× during the run${back ? ' (came back up)' : ' and stayed down'}`,
    advice: `Check the cable and the switch port of ${device}: ethtool ${device} / ibstat, ip -s link show ${device}; reseat or replace the cable or transceiver; `
      + 'a flapping link stalls MPI/NCCL and file IO: drain the node if it recurs.',
    evidence: { device, downs: downs.length, came_back: back, kernel_line: downs[0]?.raw ?? '' },
  };
}

const physical = (e: HostEvent): boolean => !VIRTUAL_IF.test(e.device) && !e.detail.startsWith('bridge ');

/**
 * XID, MCE/EDAC and link events on a host while the run was live on it. An XID that names a pid
 * outside the run is another job's GPU; one without a pid is the node's and counts.
 */
export function kernelFaults(h: HostView): FindingDraft[] {
  const xids = liveEvents(h, ['gpu_xid']).filter((e) => e.pid === null || e.owned_by !== null);
  const mem = liveEvents(h, ['mce', 'edac']);
  const links = liveEvents(h, ['link_down', 'link_up']).filter(physical);
  const drafts = [
    ...[...groupBy(xids, (e) => `${e.device}|${e.code ?? ''}`).values()].map((evs) => xidFault(evs[0]?.device ?? '', evs[0]?.code ?? null, evs)),
    ...[...groupBy(mem, (e) => `${e.kind}|${e.device}`).values()].map((evs) => memoryFault(evs[0]?.device ?? '', evs)),
    ...[...groupBy(links, (e) => e.device)].map(([dev, evs]) => linkFault(dev, evs, h.events ?? [])),
  ];
  return drafts.filter((d): d is Draft => d !== null).map((d): FindingDraft => ({ ...d, kind: 'hardware_fault', host: h.host }));
}
