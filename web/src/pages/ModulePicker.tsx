// The six modules as labelled checkboxes with what each one brings; a
// module that cannot be turned on (the calendar in an armoured workspace) is
// shown off, with why.
import { MODULES, type ModuleName } from '../api';
import { Checkbox } from '../components/Field';
import { Icon } from '../components/Icon';
import { useI18n, type MessageKey } from '../i18n';
import { MODULE_ICONS } from '../layout/Sidebar';

export function ModulePicker({
  value,
  onChange,
  disabled = false,
  unavailable = {},
}: {
  value: readonly string[];
  onChange(next: ModuleName[]): void;
  disabled?: boolean;
  /** Modules that cannot be turned on here, with the reason shown instead of their summary. */
  unavailable?: Partial<Record<ModuleName, string>>;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="module-picker">
      <legend className="field__label">{t('ws.modules')}</legend>
      <ul className="module-picker__list">
        {MODULES.map((m) => (
          <li key={m} className="module-picker__item">
            <Icon name={MODULE_ICONS[m] ?? 'chevronRight'} className="module-picker__icon" />
            <Checkbox
              name="modules"
              value={m}
              disabled={disabled || (unavailable[m] !== undefined && !value.includes(m))}
              checked={value.includes(m)}
              label={t(`module.${m}.name` as MessageKey)}
              hint={unavailable[m] ?? t(`module.${m}.summary` as MessageKey)}
              onChange={(e) => {
                const set = new Set(
                  value.filter((x): x is ModuleName => (MODULES as readonly string[]).includes(x)),
                );
                if (e.target.checked) set.add(m);
                else set.delete(m);
                onChange(MODULES.filter((x) => set.has(x)));
              }}
            />
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
