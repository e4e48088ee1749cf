import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { readBody } from './read-body';
import { IntakeAnswer, MAX_WEBHOOK_BYTES, WebhookIntake } from './webhook-intake';

/** `POST /webhook`, and `POST /` for installs that register the server URL itself as the webhook URL. */
@Controller()
export class WebhookController {
  constructor(@Inject(WebhookIntake) private readonly intake: WebhookIntake) {}

  @Post(['webhook', '/'])
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = await readBody(request, MAX_WEBHOOK_BYTES);
    if (body === 'too-large') {
      // The rest of the body is not read: close the connection rather than drain up to 25 MB more.
      send(response.setHeader('connection', 'close'), this.intake.tooLarge());
      return;
    }
    send(response, await this.intake.receive({ headers: request.headers, body }));
  }
}

function send(response: Response, answer: IntakeAnswer): void {
  response.status(answer.status).json(answer.body);
}
