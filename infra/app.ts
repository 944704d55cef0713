#!/usr/bin/env node
/**
 * CDK app entry (`cdk.json` runs it through tsx): `npx cdk synth`, `npx cdk deploy --parameters ...`.
 * See DEPLOY.md for the parameters and context.
 */
import { buildApp } from './build.js';

buildApp().app.synth();
