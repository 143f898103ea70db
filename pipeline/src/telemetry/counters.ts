// Every component counts the same things; the type lives in schemas so the agent and the analyzer use it too.
export { ComponentCounters } from '@runlens/schemas';
