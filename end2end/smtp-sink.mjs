// A local SMTP sink for the browser tests, started by Playwright with the servers
// (playwright.config.ts): it accepts every letter over a real SMTP conversation on
// 127.0.0.1:<smtp port> and lists them as JSON at http://127.0.0.1:<http port>/messages.
// No dependencies: Node's net and http only.
//
//   node smtp-sink.mjs <smtp port> <http port>
import * as http from "node:http";
import * as net from "node:net";

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
const messages = [];

net
  .createServer((socket) => {
    socket.setEncoding("utf8");
    let buffer = "";
    let inData = false;
    let data = [];
    let to = [];
    const reply = (line) => socket.write(`${line}\r\n`);
    reply("220 sink ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push({ to, data: data.join("\r\n") });
            data = [];
            reply("250 kept");
          } else {
            data.push(line.startsWith(".") ? line.slice(1) : line);
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith("EHLO") || command.startsWith("HELO")) {
          socket.write("250-sink\r\n250 8BITMIME\r\n");
        } else if (command.startsWith("MAIL FROM")) {
          to = [];
          reply("250 OK");
        } else if (command.startsWith("RCPT TO")) {
          to.push(line.slice(8).trim().replace(/^<|>$/g, ""));
          reply("250 OK");
        } else if (command === "DATA") {
          inData = true;
          reply("354 go on");
        } else if (command === "QUIT") {
          reply("221 bye");
          socket.end();
        } else {
          reply("250 OK");
        }
      }
    });
    socket.on("error", () => {});
  })
  .listen(smtpPort, "127.0.0.1");

http
  .createServer((req, res) => {
    if (req.url === "/messages") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(messages));
    } else {
      res.writeHead(req.url === "/healthz" ? 200 : 404);
      res.end();
    }
  })
  .listen(httpPort, "127.0.0.1");
