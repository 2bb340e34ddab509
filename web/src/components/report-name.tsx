/** A student's row header in the report tables: their name, with the email the LMS gave under it. */
export function StudentNameCell({ name, email }: { name: string; email: string | null }) {
  return (
    <th scope="row">
      <span className="report-name">{name}</span>
      {email && <span className="report-email muted">{email}</span>}
    </th>
  );
}
