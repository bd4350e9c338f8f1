const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const timeSteps = [1, 2, 5, 10, 15, 30]
  .map((n) => n * second)
  .concat([1, 2, 5, 10, 15, 30].map((n) => n * minute))
  .concat([1, 2, 3, 6, 12].map((n) => n * hour))
  .concat([1, 2, 7, 14].map((n) => n * day));

/** Round instants on the plan's local clock across [t0, t1], at most seven, with their labels. */
export function timeTicks(t0: number, t1: number, timeZone: string) {
  const step = timeSteps.find((s) => (t1 - t0) / s <= 7) ?? 30 * day;
  // Whole hours and days fall on the plan's local clock, not UTC's.
  const offset = zoneOffsetMs(new Date(t0), timeZone);
  const values: number[] = [];
  for (let t = Math.ceil((t0 + offset) / step) * step - offset; t <= t1; t += step) values.push(t);
  const withDate =
    t1 - t0 >= day || new Date(t0 + offset).getUTCDate() !== new Date(t1 + offset).getUTCDate();
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(step < minute ? { second: '2-digit' as const } : {}),
    ...(withDate ? { month: 'short' as const, day: 'numeric' as const } : {}),
  });
  const zone =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
      .formatToParts(new Date(t0))
      .find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  return { values, label: (t: number) => format.format(new Date(t)), zone };
}

function zoneOffsetMs(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(date)
      .map((part) => [part.type, Number(part.value)]),
  );
  const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return local - Math.floor(date.getTime() / 1000) * 1000;
}
