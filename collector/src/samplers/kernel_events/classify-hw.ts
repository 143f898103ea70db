import type { Classified } from './classify.ts';

type Rule = (text: string) => Classified | null;
const num = (s: string | undefined): number => Number(s ?? 'NaN');

/** arch/x86/kernel/cpu/mce: "mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 5: …" / "Machine check events logged". */
const MCE = /^(?:mce: )?\[Hardware Error\]: (?:CPU (\d+): )?(Machine [Cc]heck.{0,120})/;
const mce: Rule = (t) => {
  const m = MCE.exec(t);
  if (!m) return null;
  const fatal = /Exception|PROCESSOR CONTEXT CORRUPT|UC/.test(m[2] ?? '');
  return { type: 'event', fields: { kind: 'mce', severity: fatal ? 'critical' : 'warning', device: m[1] === undefined ? '' : `cpu${m[1]}`, detail: m[2] ?? '' } };
};

/** drivers/edac/edac_mc.c: "EDAC MC0: 1 CE memory read error on DIMM (…)"; older "EDAC MC0: CE page 0x…". */
const EDAC = /^EDAC (?:[\w-]{1,32} )?(MC\d{1,4}): (?:(\d+) )?(CE|UE)\b(.{0,160})/;
const edac: Rule = (t) => {
  const m = EDAC.exec(t);
  if (!m) return null;
  const ue = m[3] === 'UE';
  return { type: 'event', fields: { kind: 'edac', severity: ue ? 'critical' : 'warning', device: m[1] ?? '', code: m[2] === undefined ? 1 : num(m[2]), detail: `${m[3]}${m[4] ?? ''}` } };
};

/** XIDs NVIDIA's catalog attributes to the application (restart the app, not the node). */
const APP_XIDS = new Set([13, 31, 43, 45, 68]);
/** NVIDIA driver: "NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus." */
const XID = /^NVRM: Xid \((?:PCI:)?([0-9a-fA-F]{1,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(?:\.\d)?)\): (\d{1,5}),\s?(.{0,300})/;
const xid: Rule = (t) => {
  const m = XID.exec(t);
  if (!m) return null;
  const code = num(m[2]);
  const rest = m[3] ?? '';
  const pid = /\bpid=(\d{1,10})/.exec(rest);
  const name = /\bname=([^,]{1,64})/.exec(rest);
  return { type: 'event', fields: { kind: 'gpu_xid', severity: APP_XIDS.has(code) ? 'warning' : 'critical', device: (m[1] ?? '').toLowerCase(), code,
    pid: pid ? num(pid[1]) : null, comm: name?.[1] ?? '', detail: rest } };
};

const link = (up: boolean, device: string, detail: string): Classified =>
  ({ type: 'event', fields: { kind: up ? 'link_up' : 'link_down', severity: up ? 'info' : 'warning', device, detail } });

/** net/bridge/br_stp.c br_log_state: "br0: port 1(veth0) entered disabled|forwarding state". */
const BRIDGE = /^([\w.@:-]{1,32}): port \d{1,5}\(([\w.@:-]{1,32})\) entered (disabled|forwarding) state/;
/** NIC drivers via netdev_info: "mlx5_core 0000:3b:00.0 ens1f0: Link up", "e1000e 0000:00:19.0 eth0: NIC Link is Down". */
const NIC = /^[\w-]{1,32} [0-9a-fA-F]{1,8}:[0-9a-fA-F:.]{1,16} ([\w.@-]{1,32}): (?:[\w-]{1,32}: [\w.@-]{1,32} )?(?:NIC )?[Ll]ink (?:is )?([Uu]p|[Dd]own)\b(.{0,80})/;
/** net/ipv6/addrconf.c: "IPv6: ADDRCONF(NETDEV_CHANGE): ib0: link becomes ready" (carrier came up; IPoIB included). */
const ADDRCONF = /^IPv6: ADDRCONF\(NETDEV_CHANGE\): ([\w.@-]{1,32}): link becomes ready/;
/** mlx5 port module event: "mlx5_core 0000:5e:00.0: Port module event: module 0, Cable unplugged". */
const MODULE = /^mlx5_core ([0-9a-fA-F:.]{1,24}): Port module event(?:\[error\])?: module \d{1,4}, Cable (plugged|unplugged|error)/;
const links: Rule = (t) => {
  let m = BRIDGE.exec(t);
  if (m) return link(m[3] === 'forwarding', m[2] ?? '', `bridge ${m[1]}`);
  m = NIC.exec(t);
  if (m) return link((m[2] ?? '').toLowerCase() === 'up', m[1] ?? '', (m[3] ?? '').trim());
  m = ADDRCONF.exec(t);
  if (m) return link(true, m[1] ?? '', 'link becomes ready');
  m = MODULE.exec(t);
  return m ? link(m[2] === 'plugged', m[1] ?? '', `cable ${m[2]}`) : null;
};

const fs = (ok: boolean, device: string, detail: string): Classified =>
  ({ type: 'event', fields: { kind: ok ? 'fs_ok' : 'fs_not_responding', severity: ok ? 'info' : 'warning', device, detail } });
/** net/sunrpc/clnt.c: "nfs: server NAME not responding, still trying" / "nfs: server NAME OK". */
const NFS = /^([\w-]{1,16}): server (\S{1,255}) (not responding|OK)\b(.{0,40})/;
/** Lustre ptlrpc import: "Lustre: fs-OST0000-osc-…: Connection to fs-OST0000 (at 10.0.0.1@o2ib) was lost; …" / "Connection restored to …". */
const LUSTRE = /^Lustre: [\w-]{1,80}: Connection (?:to|restored to) (\S{1,80}) \(at (\S{1,80})\)(?: (was lost))?/;
const filesystems: Rule = (t) => {
  const m = NFS.exec(t);
  if (m) return fs(m[3] === 'OK', m[2] ?? '', `${m[1]}${m[4] ?? ''}`);
  const l = LUSTRE.exec(t);
  if (!l || (!t.includes('restored') && l[3] === undefined)) return null;
  return fs(l[3] === undefined, l[1] ?? '', `lustre at ${l[2]}`);
};

export const HARDWARE_RULES: readonly Rule[] = [mce, edac, xid, links, filesystems];
