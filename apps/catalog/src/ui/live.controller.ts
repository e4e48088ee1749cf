import { BeforeApplicationShutdown, Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChangeFeed } from '../changes/change-feed';
import { LIVE_EVENTS_PATH, LIVE_SCRIPT, LIVE_SCRIPT_PATH } from './live-script';
import { UiAccessGuard } from './ui-access.guard';

const HEARTBEAT_MS = 20_000;

/** The live pages' two routes: the change stream (server-sent events) and the script that follows it. */
@Controller()
@UseGuards(UiAccessGuard)
export class LiveController implements BeforeApplicationShutdown {
  private readonly streams = new Set<Response>();

  constructor(@Inject(ChangeFeed) private readonly feed: ChangeFeed) {}

  /** `event: change` with each committed write ({kind, op, blueprint, count, identifiers}); `event: resync` after the feed was down. */
  @Get(LIVE_EVENTS_PATH)
  events(@Req() request: Request, @Res() response: Response): void {
    response.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff' });
    response.flushHeaders();
    response.write('retry: 2000\n\n');
    const send = (event: string, data: unknown): void => {
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = this.feed.subscribe(
      (change) => send('change', change),
      () => send('resync', {}),
    );
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.streams.add(response);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(response);
    });
  }

  @Get(LIVE_SCRIPT_PATH)
  script(@Res() response: Response): void {
    response.status(200).set({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).send(LIVE_SCRIPT);
  }

  /** Open streams would hold the HTTP server's close until the browsers go away. */
  beforeApplicationShutdown(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}
