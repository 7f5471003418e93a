// The instance's logo and name, as configured by its administrators.
import { useBranding } from '../branding';

export function Brand({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const { branding } = useBranding();
  return (
    <span className={`brand brand--${size}`}>
      {branding.logo ? (
        <img className="brand__logo" src={branding.logo} alt="" />
      ) : (
        <span className="brand__mark" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="100%" height="100%">
            <path
              className="brand__mark-shape"
              d="M16 2.5 27.7 9.25v13.5L16 29.5 4.3 22.75V9.25Z"
            />
            <path
              className="brand__mark-inner"
              d="M16 9.5 21.6 12.75v6.5L16 22.5l-5.6-3.25v-6.5Z"
            />
          </svg>
        </span>
      )}
      <span className="brand__name">{branding.instance_name}</span>
    </span>
  );
}
