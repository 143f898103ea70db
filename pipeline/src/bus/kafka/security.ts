import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** How a client proves itself to the brokers and checks them: TLS and SASL/SCRAM. */
export interface KafkaSecurity {
  /** TLS to the brokers; `caPem` replaces the system CAs (a private CA). */
  readonly tls?: { readonly caPem?: string };
  readonly sasl?: {
    readonly mechanism: 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
}

/** The kafkajs settings for `security`; none means PLAINTEXT, as on a loopback test broker. */
export function kafkaAuthConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: { ssl?: KafkaConfig['ssl']; sasl?: SASLOptions } = {};
  if (security?.tls) out.ssl = security.tls.caPem === undefined ? true : { ca: [security.tls.caPem], rejectUnauthorized: true };
  const s = security?.sasl;
  if (s) out.sasl = s.mechanism === 'scram-sha-256'
    ? { mechanism: 'scram-sha-256', username: s.username, password: s.password }
    : { mechanism: 'scram-sha-512', username: s.username, password: s.password };
  return out;
}
