/**
 * How many units of a product are in use over a window, as a sweep over the
 * moments where that number can change. Pure (no database, no clock), and
 * the only such code: the capacity check at booking time uses `peakUsage`,
 * the public availability query uses `availabilitySlots`, so a booking the
 * widget shows as possible is exactly a booking the service accepts.
 *
 * Intervals are half-open, [startsAt, endsAt): a booking ending at 10:00 and
 * one starting at 10:00 never overlap, so back-to-back slots share no unit.
 */
export interface Interval {
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface Reservation extends Interval {
  readonly quantity: number;
}

export interface UsageSlot extends Interval {
  readonly used: number;
}

export interface AvailabilitySlot extends Interval {
  readonly available: number;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && a.endsAt.getTime() > b.startsAt.getTime();
}

/**
 * Consecutive slots covering exactly [window.startsAt, window.endsAt), each
 * with the units in use during all of it; adjacent slots with equal use are
 * merged. Reservations are clipped to the window; those outside it are ignored.
 * An empty window gives no slots.
 */
export function usageSlots(window: Interval, reservations: readonly Reservation[]): UsageSlot[] {
  const from = window.startsAt.getTime();
  const to = window.endsAt.getTime();
  if (!(from < to)) return [];

  // Net change of use at each breakpoint. Ends and starts at the same moment
  // are summed before the slot that follows is measured: that is what makes
  // touching intervals not overlap.
  const deltas = new Map<number, number>([
    [from, 0],
    [to, 0],
  ]);
  for (const r of reservations) {
    const start = Math.max(r.startsAt.getTime(), from);
    const end = Math.min(r.endsAt.getTime(), to);
    if (!(start < end) || r.quantity === 0) continue;
    deltas.set(start, (deltas.get(start) ?? 0) + r.quantity);
    deltas.set(end, (deltas.get(end) ?? 0) - r.quantity);
  }

  const breakpoints = [...deltas.keys()].sort((a, b) => a - b);
  const slots: UsageSlot[] = [];
  let used = 0;
  for (let i = 0; i < breakpoints.length - 1; i += 1) {
    used += deltas.get(breakpoints[i]!)!;
    slots.push({ startsAt: new Date(breakpoints[i]!), endsAt: new Date(breakpoints[i + 1]!), used });
  }
  return mergeAdjacent(slots, (slot) => slot.used);
}

/**
 * The most units in use at any one moment of the window — not the sum of the
 * reservations touching it: two 3-unit bookings on Monday and Tuesday use 3
 * at peak over the week, so a 5-unit product can still take 2 for the week.
 */
export function peakUsage(window: Interval, reservations: readonly Reservation[]): number {
  return usageSlots(window, reservations).reduce((peak, slot) => Math.max(peak, slot.used), 0);
}

/**
 * Free units per slot. Floored at 0: capacity may have been lowered below
 * what is already booked (see ProductService.update), and "-2 free" means
 * nothing to a booking widget. Slots that differ in use but are both full
 * merge into one.
 */
export function availabilitySlots(
  capacity: number,
  window: Interval,
  reservations: readonly Reservation[],
): AvailabilitySlot[] {
  const slots = usageSlots(window, reservations).map((slot) => ({
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    available: Math.max(0, capacity - slot.used),
  }));
  return mergeAdjacent(slots, (slot) => slot.available);
}

function mergeAdjacent<S extends Interval>(slots: S[], valueOf: (slot: S) => number): S[] {
  const merged: S[] = [];
  for (const slot of slots) {
    const last = merged.at(-1);
    if (last && valueOf(last) === valueOf(slot)) merged[merged.length - 1] = { ...last, endsAt: slot.endsAt };
    else merged.push(slot);
  }
  return merged;
}
