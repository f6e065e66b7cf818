/**
 * WhoScored's spellings of clubs that the shared seed list (src/domain/team-aliases.ts) does
 * not cover, mapped to the canonical (football-data.co.uk) name. WhoScored uses several forms
 * for one club: full names in the fixtures JSON ("Manchester United", "West Bromwich Albion"),
 * short ones in match centres and tables ("Man Utd", "WBA", "Sheff Utd"). The shared seed
 * already maps most of them; the entries below are the rest, met in WhoScored pages. Pure data.
 */
export const WHOSCORED_ALIASES: Readonly<Record<string, string>> = {
  // England
  WBA: 'West Brom',
  'Sheff Wed': 'Sheffield Weds',
  'Nottingham Forest': "Nott'm Forest",
  'Man Utd': 'Man United',
  'Manchester United': 'Man United',
  'Manchester City': 'Man City',
  'West Bromwich Albion': 'West Brom',
  'Sheffield United': 'Sheffield United',
  'Wolverhampton Wanderers': 'Wolves',
  'Brighton & Hove Albion': 'Brighton',
  'Queens Park Rangers': 'QPR',
  'Peterborough United': 'Peterboro',
  // Spain
  Atletico: 'Ath Madrid',
  'Atletico Madrid': 'Ath Madrid',
  'Athletic Bilbao': 'Ath Bilbao',
  'Real Betis': 'Betis',
  'Celta Vigo': 'Celta',
  Espanyol: 'Espanol',
  'Real Sociedad': 'Sociedad',
  'Real Valladolid': 'Valladolid',
  'Rayo Vallecano': 'Vallecano',
  'Deportivo Alaves': 'Alaves',
  'Deportivo La Coruna': 'La Coruna',
  'Sporting Gijon': 'Sp Gijon',
  // Germany
  RBL: 'RB Leipzig',
  'Borussia M.Gladbach': "M'gladbach",
  'Eintracht Frankfurt': 'Ein Frankfurt',
  'Hertha Berlin': 'Hertha',
  'Bayern': 'Bayern Munich',
  'Mainz 05': 'Mainz',
  'Greuther Fuerth': 'Greuther Furth',
  // Italy
  'AC Milan': 'Milan',
  'Hellas Verona': 'Verona',
  // France
  PSG: 'Paris SG',
  'Paris Saint-Germain': 'Paris SG',
  'Saint-Etienne': 'St Etienne',
};

const byNormalised = new Map<string, string>(
  Object.entries(WHOSCORED_ALIASES).map(([k, v]) => [k.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim(), v]),
);

/** The canonical name for a WhoScored spelling (the spelling itself when not listed). */
export function canonicalForWhoScored(name: string): string {
  const k = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
  return byNormalised.get(k) ?? name.trim();
}
