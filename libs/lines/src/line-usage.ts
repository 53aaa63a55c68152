/** Line arithmetic (shared/DESIGN.md §2), free of I/O. */
export interface LineCounters {
  capacity: number;
  outbound: number;
  inbound: number;
  /** Lines taken for dials that are being placed right now. */
  reserved: number;
}

export interface LineUsage {
  capacity: number;
  inUse: { total: number; outbound: number; inbound: number };
  reserved: number;
  free: number;
}

export function lineUsage(counters: LineCounters): LineUsage {
  const total = counters.outbound + counters.inbound;
  return {
    capacity: counters.capacity,
    inUse: { total, outbound: counters.outbound, inbound: counters.inbound },
    reserved: counters.reserved,
    // Negative when capacity was lowered below what is in use; nothing is dialed until it is back.
    free: Math.max(0, counters.capacity - total - counters.reserved),
  };
}
