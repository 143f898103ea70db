import type { Agent } from '@runlens/collector';
import { DEFAULT_AGENT_SOCKET, slurmEndMessage, slurmStartMessage } from '@runlens/collector/attribution/slurm-hook';
import type { Logger } from '@runlens/schemas';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';
import { serveJsonSocket } from '../local-socket.ts';

export { DEFAULT_AGENT_SOCKET };

export const agentRequest = z.discriminatedUnion('op', [slurmStartMessage, slurmEndMessage]);

/**
 * `runlens agent`'s local socket: Slurm's Prolog and Epilog (`runlens slurm prolog|epilog`, run by
 * slurmd as root) tell the agent about the node's jobs. The socket is mode 0600 in a 0700
 * directory from its creation (see local-socket.ts), so only the agent's uid, root on a node,
 * can speak; a message is still validated and bounded, and one for another node is refused.
 */
export function serveAgentSocket(path: string, agent: Agent, log: Logger): Server | null {
  let server: Server;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    server = serveJsonSocket(path, agentRequest, (m) => {
      const r = agent.slurmHook(m);
      if (!r.accepted) log.warn('Slurm hook refused', { op: m.op, job_id: m.job_id, reason: r.reason });
      return Promise.resolve(r);
    });
  } catch (e) {
    // An agent that is not root (no /run/runlens) still samples; only the hooks cannot reach it.
    log.warn('no Slurm hook socket; identity comes from scontrol alone', { socket: path, error: String(e) });
    return null;
  }
  server.on('error', (e) => log.warn('Slurm hook socket failed; identity comes from scontrol alone', { socket: path, error: String(e) }));
  return server;
}
