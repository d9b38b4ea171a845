import { createConnection, createServer, type Socket } from "node:net";

// A TCP relay in front of a real database, to cut one app's connection without stopping the server other tests
// share. stop(): open connections are killed and new ones are dropped as soon as they arrive; resume(): relays again.

export type TcpProxy = {
  port: number;
  /** The same URL with host and port replaced by the proxy's. */
  urlFor: (url: string) => string;
  stop: () => void;
  resume: () => void;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;

  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      // Either side failing ends the pair, like a broken network path would.
      socket.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("tcp proxy: no port");
  const port = address.port;

  const killAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  return {
    port,
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    stop() {
      down = true;
      killAll();
    },
    resume() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        down = true;
        killAll();
        server.close(() => resolve());
      }),
  };
}
