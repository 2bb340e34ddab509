import type { ApiError } from '../lib/api.ts';

/** A settings form's refusal, with the fields the server named (one alert under the form). */
export function FormError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error sched-wide">
      {error.details.length ? `${error.message}: ${error.details.map((d) => d.message).join('; ')}` : error.message}
    </p>
  );
}
