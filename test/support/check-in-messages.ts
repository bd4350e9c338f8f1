import type { FakeMessage } from './fake-slack.js';

/**
 * The check-in numbers one message stands for: "Check-in 5/12 at …" is one, "Check-ins 1–4, 6/12
 * at …" (quiet check-ins share a message) is several.
 */
export function checkInsShownBy(text: string): number[] {
  const match = /Check-ins? ([\d–, ]+)\/\d+ at/.exec(text);
  if (!match) return [];
  return (match[1] as string).split(', ').flatMap((run) => {
    const [from, to = from] = run.split('–').map(Number) as [number, number?];
    return Array.from({ length: (to as number) - from + 1 }, (_, i) => from + i);
  });
}

/** How many messages show each check-in: 1 each when every check-in reached Slack exactly once. */
export function checkInMessageCounts(messages: FakeMessage[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const message of messages) {
    if (message.ephemeral) continue;
    for (const n of checkInsShownBy(message.text)) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}
