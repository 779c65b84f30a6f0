// What was tried where a target is missed: written by people, printed into docs/benchmarks.md under
// the targets table on every run. Keep it true to the code; numbers belong in the tables, not here.
export const NOTES = [
  'TODO',
];
