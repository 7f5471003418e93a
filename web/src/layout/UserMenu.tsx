// The account button of the top bar: a disclosure with profile,
// administration, language and sign-out.
import { useId } from 'react';
import { api } from '../api';
import { Avatar } from '../components/Avatar';
import { Icon } from '../components/Icon';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router/router';
import { useMe, useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { useDisclosure } from './useDisclosure';

export function UserMenu() {
  const me = useMe();
  const { signOut, setMe } = useSession();
  const { t } = useI18n();
  const { open, setOpen, root, button } = useDisclosure();
  const panelId = useId();

  const close = () => setOpen(false);

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <Avatar name={me.name} seed={me.id} size="sm" />
        <span className="user-menu__name">{me.name}</span>
        <span className="visually-hidden">{t('nav.account_menu')}</span>
      </button>
      <div id={panelId} className="user-menu__panel" hidden={!open}>
        <div className="user-menu__who">
          <p className="user-menu__who-name">{me.name}</p>
          <p className="user-menu__who-email">{me.email}</p>
        </div>
        <ul className="user-menu__list">
          <li>
            <Link to="/me" className="user-menu__item" onClick={close}>
              <Icon name="user" size={18} />
              {t('nav.profile')}
            </Link>
          </li>
          {me.role === 'admin' ? (
            <li>
              <Link to="/admin" className="user-menu__item" onClick={close}>
                <Icon name="shield" size={18} />
                {t('nav.admin')}
              </Link>
            </li>
          ) : null}
        </ul>
        <div className="user-menu__lang">
          <span className="user-menu__lang-label">{t('common.language')}</span>
          <LanguageSwitch
            onChange={(l) => {
              api.me
                .update({ locale: l })
                .then((u) => setMe({ ...me, ...u }))
                .catch(() => undefined);
            }}
          />
        </div>
        <button
          type="button"
          className="user-menu__item user-menu__signout"
          onClick={async () => {
            close();
            await signOut();
            navigate('/login');
          }}
        >
          <Icon name="logout" size={18} />
          {t('nav.sign_out')}
        </button>
      </div>
    </div>
  );
}
