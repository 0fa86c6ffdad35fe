/** A run or step status with a colour and a text label (colour is never the only signal). */
export function StatusBadge({ status }: { status: string }) {
  const lower = status.toLowerCase();
  const tone = lower.includes("succeed") ? "ok" : lower.includes("run") || lower.includes("pending") ? "running" : lower === "caught" ? "warn" : "bad";
  return <span className={`badge badge-${tone}`}>{status.toLowerCase().replace(/_/g, " ")}</span>;
}
