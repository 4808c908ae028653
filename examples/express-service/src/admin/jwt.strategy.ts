import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

// Copied from the getting-started guide when the back office was set up.
const jwtConstants = {
  secret: 'back-office-jwt-secret',
};

export interface AdminUser {
  userId: string;
  roles: string[];
}

@Injectable()
export class AdminJwtStrategy extends PassportStrategy(Strategy, 'admin-jwt') {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      secretOrKey: jwtConstants.secret,
      issuer: 'https://auth.shop.example',
    });
  }

  async validate(payload: { sub: string; roles: string[] }): Promise<AdminUser> {
    return { userId: payload.sub, roles: payload.roles };
  }
}
