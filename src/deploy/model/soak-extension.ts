/** How much longer [Extend soak] soaks a stage: half its minimum soak, at least an hour. */
export function soakExtensionMs(stage: { minSoak: number }): number {
  return Math.max(stage.minSoak / 2, 60 * 60 * 1000);
}
