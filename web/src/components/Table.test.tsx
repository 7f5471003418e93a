import { describe, expect, it } from 'vitest';
import { mountPoint } from '../test/mount';
import { Table } from './Table';

const view = mountPoint();

async function show(table: React.ReactNode) {
  await view.render(table);
  return view.host.querySelector('table') as HTMLTableElement;
}

const row = (
  <tr>
    <th scope="row">Ada</th>
    <td>owner</td>
    <td>
      <button type="button">Remove</button>
    </td>
  </tr>
);

describe('Table', () => {
  it('wraps a captioned table whose actions header is read but not shown', async () => {
    const table = await show(
      <Table
        caption="Members"
        columns={['Name', { label: 'Role', className: 'num' }]}
        actions="hidden"
      >
        {row}
      </Table>,
    );
    expect(table.parentElement?.className).toBe('table-wrap');
    expect(table.className).toBe('table');
    expect(table.caption?.textContent).toBe('Members');
    expect(table.caption?.className).toBe('visually-hidden');
    const heads = Array.from(table.tHead?.querySelectorAll('th') ?? []);
    expect(heads.map((h) => h.textContent)).toEqual(['Name', 'Role', 'Actions']);
    expect(heads.every((h) => h.getAttribute('scope') === 'col')).toBe(true);
    expect(heads[1]?.className).toBe('num');
    expect(heads[2]?.querySelector('.visually-hidden')?.textContent).toBe('Actions');
    expect(table.tBodies[0]?.rows).toHaveLength(1);
  });

  it('shows the actions header when asked, has none when absent, and compacts', async () => {
    let table = await show(
      <Table columns={['Name', 'Role']} actions="shown" compact className="extra">
        {row}
      </Table>,
    );
    expect(table.className).toBe('table table--compact extra');
    expect(table.caption).toBeNull();
    const last = table.tHead?.querySelector('th:last-child');
    expect(last?.textContent).toBe('Actions');
    expect(last?.querySelector('.visually-hidden')).toBeNull();

    table = await show(<Table columns={['Name', 'Role']}>{row}</Table>);
    expect(table.tHead?.querySelectorAll('th')).toHaveLength(2);
  });
});
