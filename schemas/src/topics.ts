import { type TableName, tableNames } from './catalog/index.ts';

/** Wire version of every sample topic; a breaking change gets a new topic, never an edit. */
export const SCHEMA_VERSION = 1;

export function topicFor(table: TableName): string {
  return `runlens.${table}.v${SCHEMA_VERSION}`;
}

export const DEAD_LETTER_TOPIC = 'runlens.dead_letter.v1';
export const CONTROL_TOPIC = 'runlens.control.v1';

/** Every topic a cluster needs before its roles can work: created explicitly (migrate, or the first role up), never by the broker. */
export function clusterTopics(): string[] {
  return [...tableNames.map(topicFor), DEAD_LETTER_TOPIC];
}

/** Table named by a topic, or null for topics that carry no table. */
export function tableOfTopic(topic: string): string | null {
  const m = /^runlens\.([a-z_]+)\.v(\d+)$/.exec(topic);
  return m && m[2] === String(SCHEMA_VERSION) && m[1] !== 'dead_letter' && m[1] !== 'control' ? (m[1] ?? null) : null;
}
