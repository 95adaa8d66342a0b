import { createRoot } from 'react-dom/client';

// Placeholder until the window page lands (owned by another engineer).
createRoot(document.getElementById('root')!).render(<h1>云桌窗口</h1>);
