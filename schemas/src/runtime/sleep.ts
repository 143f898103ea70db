/** Resolves after `ms`; for retry loops and tests that poll. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
