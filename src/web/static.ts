import { resolve } from 'node:path';
import express, { type RequestHandler } from 'express';

export const ASSETS_DIR = resolve(import.meta.dirname, 'assets');

/** The pages' stylesheet and script, served as files (no build step); evidence is never served here. */
export const staticAssets = (): RequestHandler => express.static(ASSETS_DIR, { index: false, maxAge: '1h', fallthrough: true });
