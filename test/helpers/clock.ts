/** CLOCK_MONOTONIC in ms: the same clock the C fixtures stamp their lines with. */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
