// A real n8n takes seconds to start and its triggers poll: give e2e tests and hooks room.
jest.setTimeout(300_000);
