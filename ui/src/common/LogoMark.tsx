// Quarry's mark: a cut stone on a blue tile (the same drawing as the favicon).
export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" role="img" aria-label="Quarry" style={{ flex: 'none', display: 'block' }}>
      <defs>
        <linearGradient id="quarry-mark" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#3c89e8" />
          <stop offset="1" stopColor="#1554ad" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="7" fill="url(#quarry-mark)" />
      <path d="M8 22 L16 8 L24 22 Z" fill="#fff" />
      <path d="M16 8 L24 22 L16 18 Z" fill="#cfe1ff" />
    </svg>
  );
}

export default LogoMark;
