/** Recording on the page: host-only Record / Stop recording, the REC indicator, the take's links. */
import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { JamServiceError } from "../../session/service/socketService";
import { FAKE_ROOM, FakeJamService } from "../../testSupport/fakeJamService";
import { activity, enterWithBen, freshPageEachTest } from "../../testSupport/jamPage";
import type { RecordingInfo } from "../../types/protocol";

const TAKE_URL = "/recordings/t4k3-5ig.mid";

let service: FakeJamService;

freshPageEachTest((fresh) => (service = fresh));

const inRoomWithBen = (asHost: boolean) => enterWithBen(service, asHost);

const button = (name: string) => screen.queryByRole("button", { name });
const indicator = () => screen.getByTestId("recording");
const downloadLink = () => screen.queryByTestId("download-take") as HTMLAnchorElement | null;

const running = (startedAt = service.now): RecordingInfo => ({ recording: true, startedAt, events: 0 });
const finished = (events: number, reason: RecordingInfo["reason"] = "stopped"): RecordingInfo => ({
  recording: false,
  startedAt: service.now - 5_000,
  events,
  downloadUrl: TAKE_URL,
  reason,
});

/** The server's `recording:state`, sent to everyone in the room. */
function recordingState(info: RecordingInfo) {
  act(() => service.emit("recordingState", { ...info, roomCode: FAKE_ROOM, seq: service.nextSeq() }));
}

describe("recording controls", () => {
  it("the host's Record and Stop recording call the service; each state swaps the button", async () => {
    const user = await inRoomWithBen(true);
    expect(button("Stop recording")).toBeNull();
    await user.click(button("Record")!);
    expect(service.startRecording).toHaveBeenCalledWith(FAKE_ROOM);
    recordingState(running());
    expect(button("Record")).toBeNull();
    await user.click(button("Stop recording")!);
    expect(service.stopRecording).toHaveBeenCalledWith(FAKE_ROOM);
    recordingState(finished(6));
    expect(button("Record")).toBeTruthy();
  });

  it("others get no recording buttons, but see the indicator", async () => {
    await inRoomWithBen(false);
    expect(button("Record")).toBeNull();
    expect(indicator().dataset.recording).toBe("false");
    recordingState(running());
    expect(button("Stop recording")).toBeNull();
    expect(indicator().dataset.recording).toBe("true");
  });

  it("a refused start shows a friendly alert", async () => {
    const user = await inRoomWithBen(true);
    service.startRecording.mockRejectedValueOnce(
      new JamServiceError({ message: "no", code: "forbidden", event: "recording:start" }),
    );
    await user.click(button("Record")!);
    expect((await screen.findByRole("alert")).textContent).toBe("Only the host can do that");
  });
});

describe("the take on everyone's page", () => {
  it("recording:state true shows REC with the time since startedAt on the shared clock", async () => {
    await inRoomWithBen(false);
    recordingState(running(service.now - 3_000));
    expect(indicator().textContent).toBe("● REC 0:03");
    service.now += 9_000;
    await waitFor(() => expect(indicator().textContent).toBe("● REC 0:12"));
    expect(activity()).toMatch(/^Recording started/);
    expect(downloadLink()).toBeNull();
  });

  it("a finished take shows an absolute MIDI download link and its JSON link", async () => {
    await inRoomWithBen(false);
    recordingState(running());
    recordingState(finished(7));
    expect(indicator().dataset.recording).toBe("false");
    const link = downloadLink()!;
    expect(link.getAttribute("href")).toBe(`http://jam.test${TAKE_URL}`);
    expect(link.hasAttribute("download")).toBe(true);
    expect(link.textContent).toBe("Download MIDI (7 events)");
    const json = screen.getByRole("link", { name: "JSON" });
    expect(json.getAttribute("href")).toBe(`http://jam.test${TAKE_URL}?format=json`);
    expect(activity()).toMatch(/^Recording stopped — 7 events/);
  });

  it("a take cut off at the limit says so", async () => {
    await inRoomWithBen(false);
    recordingState(running());
    recordingState(finished(500, "limit"));
    expect(activity()).toMatch(/^Recording stopped: limit reached/);
    expect(screen.getByText(/Stopped at the event limit/)).toBeTruthy();
  });

  it("the same state twice is logged once", async () => {
    await inRoomWithBen(false);
    const take = running();
    recordingState(take);
    recordingState(take);
    expect(activity().match(/Recording started/g)).toHaveLength(1);
  });
});

describe("joining and resuming", () => {
  it("a late joiner sees a running take from session:joined", async () => {
    service.recording = running(service.now - 65_000);
    await inRoomWithBen(false);
    expect(indicator().dataset.recording).toBe("true");
    expect(indicator().textContent).toBe("● REC 1:05");
  });

  it("a late joiner after a take gets its link", async () => {
    service.recording = finished(3);
    await inRoomWithBen(false);
    expect(indicator().dataset.recording).toBe("false");
    expect(downloadLink()?.href).toBe(`http://jam.test${TAKE_URL}`);
  });

  it("a resume refreshes the take from session:resumed", async () => {
    await inRoomWithBen(true);
    recordingState(running());
    act(() => service.setConnection("reconnecting"));
    await act(async () => service.setConnection("connected"));
    act(() => void service.resume({ recording: finished(4) }));
    expect(indicator().dataset.recording).toBe("false");
    expect(downloadLink()?.textContent).toBe("Download MIDI (4 events)");
    expect(button("Record")).toBeTruthy();
  });
});
