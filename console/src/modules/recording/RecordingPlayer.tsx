import Guacamole from 'guacamole-common-js';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/i18n';
import { formatDuration } from '../../i18n/core/format';

const SPEEDS = [1, 2, 4, 8];
/** how often the fast-forward loop advances the position, in ms */
const STEP_MS = 200;
/** the recording may take at most this share of the window's height */
const MAX_SCREEN_SHARE = 0.65;

/**
 * Plays a Guacamole session recording (raw protocol bytes) with guacamole-common-js's
 * SessionRecording. Speeds above 1× are driven by seeking ahead in small steps, since
 * SessionRecording itself only plays in real time.
 */
export function RecordingPlayer({ blob }: { blob: Blob }) {
  const t = useT();
  const screen = useRef<HTMLDivElement>(null);
  const recordingRef = useRef<Guacamole.SessionRecording | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);
  const [speed, setSpeed] = useState(1);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // guacamole-common-js 1.5.0 cannot read a Blob source (it never keeps the Blob and fails on
    // `.size`); a StaticHTTPTunnel over an object URL feeds the same bytes through its tunnel path
    const url = URL.createObjectURL(blob);
    const recording = new Guacamole.SessionRecording(new Guacamole.StaticHTTPTunnel(url));
    recordingRef.current = recording;
    const display = recording.getDisplay();
    const element = display.getElement();
    const host = screen.current!;
    host.appendChild(element);
    const fit = () => {
      const w = display.getWidth();
      const h = display.getHeight();
      if (w > 0 && h > 0) display.scale(Math.min(1, host.clientWidth / w, (window.innerHeight * MAX_SCREEN_SHARE) / h));
    };
    display.onresize = fit;
    window.addEventListener('resize', fit);
    recording.onprogress = (d) => setDuration(d);
    recording.onload = () => {
      setLoaded(true);
      setDuration(recording.getDuration());
      recording.seek(0, fit);
    };
    recording.onerror = (message) => setError(message);
    recording.onplay = () => setPlaying(true);
    recording.onpause = () => setPlaying(false);
    recording.onseek = (p) => setPosition(p);
    recording.connect();
    return () => {
      window.removeEventListener('resize', fit);
      recording.pause();
      recording.abort();
      element.remove();
      URL.revokeObjectURL(url);
      recordingRef.current = null;
    };
  }, [blob]);

  // fast forward: advance by STEP_MS × speed every STEP_MS while "playing" above 1×
  const fast = playing && speed > 1;
  useEffect(() => {
    const recording = recordingRef.current;
    if (!recording || !fast) return;
    recording.pause();
    setPlaying(true);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const step = () => {
      if (stopped) return;
      const next = Math.min(recording.getDuration(), recording.getPosition() + STEP_MS * speed);
      recording.seek(next, () => {
        setPosition(next);
        if (next >= recording.getDuration()) setPlaying(false);
        else timer = setTimeout(step, STEP_MS);
      });
    };
    timer = setTimeout(step, STEP_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      recording.cancel();
    };
  }, [fast, speed]);

  const toggle = () => {
    const recording = recordingRef.current;
    if (!recording) return;
    if (playing) {
      setPlaying(false);
      recording.pause();
    } else if (speed > 1) setPlaying(true);
    else {
      if (recording.getPosition() >= recording.getDuration()) recording.seek(0);
      recording.play();
    }
  };
  const seek = (ms: number) => {
    setPosition(ms);
    recordingRef.current?.seek(ms);
  };

  return (
    <div className="player" data-testid="recording-player" data-loaded={loaded} data-position={Math.round(position)}>
      <div className="player-screen" ref={screen} />
      {error && <div className="error-view">{t('recording.error', { message: error })}</div>}
      <div className="player-controls">
        <button className="btn btn-primary" onClick={toggle} disabled={duration === 0} data-testid="player-toggle">
          {playing ? t('recording.pause') : t('recording.play')}
        </button>
        <input
          type="range"
          min={0}
          max={Math.max(1, Math.round(duration))}
          value={Math.round(position)}
          onChange={(e) => seek(Number(e.target.value))}
          aria-label={t('recording.seek')}
          className="player-seek"
        />
        <span className="player-time">
          {formatDuration(position)} / {formatDuration(duration)}
        </span>
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label={t('recording.speed')}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
        {!loaded && <span className="muted small">{t('recording.loading')}</span>}
      </div>
    </div>
  );
}
