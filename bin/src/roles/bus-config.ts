import type { BusCompression, KafkaSecurity } from '@runlens/pipeline';
import { ConfigError } from '@runlens/schemas';
import { z } from 'zod';
import { onePassword, pemFile, secretFile } from './config-files.ts';
import { brokerList } from './role-config.ts';

/** How to reach Kafka safely, and what its producer compresses with; for a role whose brokers are optional (migrate). */
export const busSecuritySchema = {
  /** TLS to the brokers; on by itself when RUNLENS_KAFKA_CA_FILE is set. */
  RUNLENS_KAFKA_TLS: z.union([z.boolean(), z.stringbool()]).default(false),
  RUNLENS_KAFKA_CA_FILE: pemFile().optional(),
  RUNLENS_KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512']).default('scram-sha-512'),
  RUNLENS_KAFKA_USERNAME: z.string().min(1).optional(),
  RUNLENS_KAFKA_PASSWORD: z.string().min(1).optional(),
  RUNLENS_KAFKA_PASSWORD_FILE: secretFile().optional(),
  /** What producers compress record batches with: lz4 (default, a twelfth of gzip's CPU on the agents) or gzip (fewer bytes on the wire). Consumers read both. */
  RUNLENS_KAFKA_COMPRESSION: z.enum(['lz4', 'gzip']).default('lz4'),
};

/** Kafka settings shared by agent, ingest and analyze. */
export const busSchema = {
  RUNLENS_KAFKA_BROKERS: z.string().min(1, 'required: host:port[,host:port]'),
  ...busSecuritySchema,
};

const busObject = z.object(busSchema);
export type BusSettings = z.infer<typeof busObject>;

export interface KafkaConnection {
  readonly brokers: string[];
  readonly security?: KafkaSecurity;
  readonly compression: BusCompression;
}

/**
 * Brokers and security for openKafkaBus. The checks that span several variables live here
 * (zod sees one variable at a time); every such problem is reported at once.
 */
export function kafkaConnection(c: BusSettings): KafkaConnection {
  const { password, problem } = onePassword(c.RUNLENS_KAFKA_PASSWORD, c.RUNLENS_KAFKA_PASSWORD_FILE, 'RUNLENS_KAFKA');
  const tls = c.RUNLENS_KAFKA_TLS || c.RUNLENS_KAFKA_CA_FILE !== undefined;
  const user = c.RUNLENS_KAFKA_USERNAME;
  const problems = [
    ...(problem ? [problem] : []),
    ...(user !== undefined && password === undefined ? ['RUNLENS_KAFKA_PASSWORD or RUNLENS_KAFKA_PASSWORD_FILE: required with RUNLENS_KAFKA_USERNAME'] : []),
    ...(user === undefined && password !== undefined ? ['RUNLENS_KAFKA_USERNAME: required with a Kafka password'] : []),
    // SCRAM keeps the password off the wire, but samples would still travel in clear and the
    // authenticated connection could be taken over; SASL is only offered over TLS.
    ...(user !== undefined && !tls ? ['RUNLENS_KAFKA_TLS: must be true (or RUNLENS_KAFKA_CA_FILE set) with RUNLENS_KAFKA_USERNAME'] : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const security: KafkaSecurity = {
    ...(tls ? { tls: c.RUNLENS_KAFKA_CA_FILE === undefined ? {} : { caPem: c.RUNLENS_KAFKA_CA_FILE } } : {}),
    ...(user !== undefined && password !== undefined ? { sasl: { mechanism: c.RUNLENS_KAFKA_SASL_MECHANISM, username: user, password } } : {}),
  };
  return { brokers: brokerList(c.RUNLENS_KAFKA_BROKERS), compression: c.RUNLENS_KAFKA_COMPRESSION, ...(tls || user !== undefined ? { security } : {}) };
}
