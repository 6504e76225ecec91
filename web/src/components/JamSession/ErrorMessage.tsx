/** The one place a view shows what went wrong. Always rendered (empty when all is well) so the
 * layout does not jump and screen readers announce new messages. */
export function ErrorMessage({ message }: { message: string }) {
  return (
    <p role="alert" className="error-message">
      {message}
    </p>
  );
}
