// Opens N websocket connections to a Socket.IO server (Engine.IO v4 handshake, namespace "/" joined,
// pings answered) and holds them without joining any room, to measure a server's bare per-connection
// memory: `node bench/node-reference/connect-only.mjs http://127.0.0.1:PORT 4000`, then read VmRSS.
import WebSocket from "ws";

const [url, count] = [process.argv[2], Number(process.argv[3] ?? 1000)];
let connected = 0;
for (let i = 0; i < count; i++) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  ws.on("message", (message) => {
    const text = message.toString();
    if (text.startsWith("0")) ws.send("40");
    else if (text.startsWith("40") && ++connected === count) console.log(`connected ${count}`);
    else if (text === "2") ws.send("3");
  });
}
