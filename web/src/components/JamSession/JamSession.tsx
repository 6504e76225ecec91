export function JamSession() {
  return <main>Jam Session</main>;
}
