import { availabilitySlots, overlaps, peakUsage, usageSlots, type Reservation } from '../../src/domain/bookings/occupancy';

const t = (hh: number) => new Date(Date.UTC(2031, 4, 12, hh));
const r = (from: number, to: number, quantity: number): Reservation => ({ startsAt: t(from), endsAt: t(to), quantity });
/** Slots as [fromHour, toHour, value] for compact tables. */
const hours = (slots: { startsAt: Date; endsAt: Date }[], value: (s: any) => number) =>
  slots.map((s) => [s.startsAt.getUTCHours(), s.endsAt.getUTCHours(), value(s)]);
const window = { startsAt: t(8), endsAt: t(18) };

describe('usageSlots', () => {
  it.each([
    ['no reservations: one empty slot', [], [[8, 18, 0]]],
    ['one inside', [r(10, 12, 2)], [[8, 10, 0], [10, 12, 2], [12, 18, 0]]],
    ['overlapping ones add up', [r(9, 12, 1), r(11, 14, 2)], [[8, 9, 0], [9, 11, 1], [11, 12, 3], [12, 14, 2], [14, 18, 0]]],
    ['touching intervals do not overlap', [r(9, 12, 2), r(12, 15, 2)], [[8, 9, 0], [9, 15, 2], [15, 18, 0]]],
    ['clipped to the window', [r(6, 9, 1), r(17, 22, 4)], [[8, 9, 1], [9, 17, 0], [17, 18, 4]]],
    ['covering the whole window', [r(0, 23, 3)], [[8, 18, 3]]],
    ['outside the window, incl. touching its edges', [r(4, 8, 5), r(18, 20, 5)], [[8, 18, 0]]],
    ['same start and end for two', [r(10, 11, 1), r(10, 11, 1)], [[8, 10, 0], [10, 11, 2], [11, 18, 0]]],
    ['adjacent equal usage merges', [r(9, 11, 1), r(11, 13, 1), r(10, 12, 0)], [[8, 9, 0], [9, 13, 1], [13, 18, 0]]],
  ])('%s', (_name, reservations, expected) => {
    expect(hours(usageSlots(window, reservations as Reservation[]), (s) => s.used)).toEqual(expected);
  });

  it('always covers exactly [from, to) with consecutive slots', () => {
    const slots = usageSlots(window, [r(7, 9, 1), r(10, 11, 2), r(10, 16, 1), r(15, 19, 3)]);
    expect(slots[0]!.startsAt).toEqual(window.startsAt);
    expect(slots.at(-1)!.endsAt).toEqual(window.endsAt);
    for (let i = 1; i < slots.length; i += 1) expect(slots[i]!.startsAt).toEqual(slots[i - 1]!.endsAt);
  });

  it('gives no slots for an empty window', () => {
    expect(usageSlots({ startsAt: t(10), endsAt: t(10) }, [r(9, 11, 1)])).toEqual([]);
  });
});

describe('peakUsage', () => {
  it('is the most in use at one moment, not the sum over the window', () => {
    // capacity 5: two non-overlapping 3-unit bookings leave room for 2 over the whole window
    expect(peakUsage(window, [r(9, 11, 3), r(13, 15, 3)])).toBe(3);
    expect(peakUsage(window, [r(9, 14, 3), r(13, 15, 3)])).toBe(6);
    expect(peakUsage(window, [r(9, 13, 3), r(13, 15, 3)])).toBe(3);
    expect(peakUsage(window, [])).toBe(0);
  });

  it('counts only the part inside the window', () => {
    expect(peakUsage({ startsAt: t(12), endsAt: t(14) }, [r(9, 12, 4), r(14, 16, 4), r(11, 13, 1)])).toBe(1);
  });
});

describe('availabilitySlots', () => {
  it('is capacity minus use, merging equal neighbours', () => {
    expect(hours(availabilitySlots(5, window, [r(10, 12, 2), r(11, 13, 1)]), (s) => s.available)).toEqual([
      [8, 10, 5],
      [10, 11, 3],
      [11, 12, 2],
      [12, 13, 4],
      [13, 18, 5],
    ]);
  });

  it('floors at 0 when capacity was lowered below what is booked, and merges the full slots', () => {
    expect(hours(availabilitySlots(2, window, [r(10, 12, 3), r(11, 13, 2)]), (s) => s.available)).toEqual([
      [8, 10, 2],
      [10, 13, 0],
      [13, 18, 2],
    ]);
  });
});

describe('overlaps', () => {
  it.each([
    [r(9, 11, 1), r(10, 12, 1), true],
    [r(9, 11, 1), r(11, 12, 1), false],
    [r(9, 12, 1), r(10, 11, 1), true],
    [r(11, 12, 1), r(9, 11, 1), false],
  ])('%#', (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });
});
