import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { redactUrlCredentials } from '@glint/config';
import { BridgeClient } from '../bridge/bridge-client';
import { bridgeBody } from './bridge-page';
import { page } from './layout';
import { send } from './respond';
import { UiAccessGuard } from './ui-access.guard';

const POLL_SECONDS = 5;

/** `/bridge`: the bridge's state as the mapper's `GET /status` reports it, refreshed every few seconds. */
@Controller()
@UseGuards(UiAccessGuard)
export class BridgeUiController {
  constructor(@Inject(BridgeClient) private readonly bridge: BridgeClient) {}

  @Get('bridge')
  async bridgePage(@Res() response: Response): Promise<void> {
    const read = await this.bridge.read();
    send(response, 200, page('Bridge', bridgeBody(read, redactUrlCredentials(this.bridge.statusUrl), new Date()), { pollSeconds: POLL_SECONDS }));
  }
}
