/** The function's own handler module, aliased by NashraFunction's bundling (see lambda-entry.ts). */
declare module 'nashra-handler' {
  export const handler: (event: never, context: never) => Promise<unknown>;
}
