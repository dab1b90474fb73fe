// What React Flow needs in jsdom on top of the shared polyfills (ResizeObserver, matchMedia):
// DOMMatrixReadOnly, which it uses to read the viewport's zoom.
import { installDomPolyfills } from '../../../app/testUtils';

export function installFlowPolyfills(): void {
  installDomPolyfills();
  if (!('DOMMatrixReadOnly' in window)) {
    class DOMMatrixReadOnly {
      m22: number;
      constructor(transform?: string) {
        const scale = transform?.match(/scale\(([0-9.]+)\)/)?.[1];
        this.m22 = scale !== undefined ? Number(scale) : 1;
      }
    }
    Object.defineProperty(window, 'DOMMatrixReadOnly', { configurable: true, value: DOMMatrixReadOnly });
  }
}
