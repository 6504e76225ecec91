// Benchmark peer: the seed's Node.js design — an http server, a socket.io 4.8 Server and a SessionManager.
// Usage: node src/index.js [--port N] [--host H]   (PORT / HOST env too; port 0 = any free port)
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "socket.io";
import { SessionError, SessionManager } from "./SessionManager.js";

const { values: args } = parseArgs({
  options: { port: { type: "string" }, host: { type: "string" } },
});
const port = Number(args.port ?? process.env.PORT ?? 3001);
const host = args.host ?? process.env.HOST ?? "127.0.0.1";

// As many live rooms as the benchmark lets jam-server hold (--max-rooms 1000000).
const sessions = new SessionManager({ maxRooms: 1_000_000 });
const httpServer = createServer();
const io = new Server(httpServer, {
  cors: { origin: "*" },
  maxHttpBufferSize: 1e6,
  perMessageDeflate: false,
  serveClient: false,
});

/** Registers a handler that gets (payload, ack?) and turns a SessionError into the `error` event. */
function on(socket, event, handler) {
  socket.on(event, (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
    try {
      handler(args[0], ack);
    } catch (err) {
      const known = err instanceof SessionError;
      const error = { message: known ? err.message : "internal error", code: known ? err.code : "internal", event };
      socket.emit("error", error);
      ack?.({ error });
    }
  });
}

io.on("connection", (socket) => {
  on(socket, "session:create", (_payload, ack) => {
    const created = sessions.create();
    socket.emit("session:created", created);
    ack?.(created);
  });

  on(socket, "session:join", (payload, ack) => {
    const { roomCode, joined, announce } = sessions.join(socket.id, payload);
    socket.join(roomCode); // subscribe before anyone is told, so no later broadcast is missed
    socket.emit("session:joined", joined);
    ack?.(joined);
    if (announce) socket.to(roomCode).emit("session:user-joined", { user: announce, roomCode });
  });

  on(socket, "session:leave", (payload, ack) => {
    const { roomCode, userLeft } = sessions.leave(socket.id, payload);
    socket.leave(roomCode);
    socket.to(roomCode).emit("session:user-left", userLeft);
    ack?.({ roomCode });
  });

  on(socket, "event:broadcast", (payload, ack) => {
    const { roomCode, event, recipients } = sessions.broadcast(socket.id, payload);
    socket.to(roomCode).emit("event:broadcast", event);
    ack?.({ roomCode, recipients });
  });

  socket.on("disconnect", () => {
    for (const { roomCode, userLeft } of sessions.disconnect(socket.id)) {
      io.to(roomCode).emit("session:user-left", userLeft);
    }
  });
});

const sweeper = setInterval(() => sessions.sweep(), 5_000);
sweeper.unref();

httpServer.listen(port, host, () => {
  const { port: bound } = httpServer.address();
  console.log(`node-reference listening on http://${host}:${bound}`);
});

function shutdown() {
  clearInterval(sweeper);
  io.close(() => process.exit(0)); // also closes httpServer
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
