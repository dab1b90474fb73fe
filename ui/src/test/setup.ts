import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/react';

// The suite runs beside the Rust tests and the browser journeys on a two-core machine: a lazy
// page's first import can take seconds there, so `findBy…`/`waitFor` wait up to 10 s (a passing
// test is no slower; only a failing one waits longer). Tests get 60 s (vite.config.ts).
configure({ asyncUtilTimeout: 10_000 });
