/** The HTTP method, coloured by kind. */
export function MethodBadge({ method }: { method: string }) {
  const known = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? method : 'OTHER';
  return <span className={`method method-${known.toLowerCase()}`}>{method}</span>;
}
