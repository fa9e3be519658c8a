/** Name/value pairs in their original order (headers, query, form fields), as text. */
export function KvTable({
  rows,
  testId,
  empty,
}: {
  rows: [string, string][];
  testId?: string;
  empty: string;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="kv" data-testid={testId}>
      <tbody>
        {rows.map(([name, value], i) => (
          <tr key={i}>
            <th className="mono">{name}</th>
            <td className="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
