import { type TableName, tableNames } from './catalog/index.ts';

/** Wire version of every sample topic; a breaking change gets a new topic, never an edit. */
export const SCHEMA_VERSION = 1;

export function topicFor(table: TableName): string {
  return `runlens.${table}.v${SCHEMA_VERSION}`;
}

export const DEAD_LETTER_TOPIC = 'runlens.dead_letter.v1';
export const CONTROL_TOPIC = 'runlens.control.v1';

/**
 * The analyzer's repartition topics (Kafka Streams' repartition topic): its first stage reads the
 * host-keyed sample topics and republishes each row, unchanged and in the same wire format, either
 * keyed by run id (rows of a run: all hosts of a run meet in one partition, so one replica owns it)
 * or keyed by host (node-level rows every replica reads in full). The table is the `table` header.
 */
export const ANALYZER_RUNS_TOPIC = 'runlens.analyzer_runs.v1';
export const ANALYZER_HOSTS_TOPIC = 'runlens.analyzer_hosts.v1';
const REPARTITION_TOPICS: readonly string[] = [ANALYZER_RUNS_TOPIC, ANALYZER_HOSTS_TOPIC];

/** Every topic a cluster needs before its roles can work: created explicitly (migrate, or the first role up), never by the broker. */
export function clusterTopics(): string[] {
  return [...tableNames.map(topicFor), DEAD_LETTER_TOPIC, ...REPARTITION_TOPICS];
}

/** Table of a message: named by its topic, or on a repartition topic by its `table` header. */
export function tableOfMessage(topic: string, headers: Readonly<Record<string, string | undefined>>): string | null {
  return REPARTITION_TOPICS.includes(topic) ? (headers.table ?? null) : tableOfTopic(topic);
}

/** Table named by a topic, or null for topics that carry no table. */
export function tableOfTopic(topic: string): string | null {
  if (REPARTITION_TOPICS.includes(topic)) return null;
  const m = /^runlens\.([a-z_]+)\.v(\d+)$/.exec(topic);
  return m && m[2] === String(SCHEMA_VERSION) && m[1] !== 'dead_letter' && m[1] !== 'control' ? (m[1] ?? null) : null;
}
