import { JamSession } from "./components/JamSession/JamSession";

export function App() {
  return <JamSession />;
}
