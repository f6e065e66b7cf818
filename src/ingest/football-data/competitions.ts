/** football-data.co.uk's source name and the divisions it publishes. */

export const FOOTBALL_DATA_SOURCE = 'football-data';

/** Names of the divisions football-data.co.uk publishes; an unknown Div is named by its code. */
export const COMPETITIONS: Readonly<Record<string, { name: string; country: string }>> = {
  E0: { name: 'Premier League', country: 'England' },
  E1: { name: 'Championship', country: 'England' },
  E2: { name: 'League One', country: 'England' },
  E3: { name: 'League Two', country: 'England' },
  EC: { name: 'National League', country: 'England' },
  SC0: { name: 'Premiership', country: 'Scotland' },
  D1: { name: 'Bundesliga', country: 'Germany' },
  D2: { name: '2. Bundesliga', country: 'Germany' },
  SP1: { name: 'La Liga', country: 'Spain' },
  SP2: { name: 'Segunda División', country: 'Spain' },
  I1: { name: 'Serie A', country: 'Italy' },
  I2: { name: 'Serie B', country: 'Italy' },
  F1: { name: 'Ligue 1', country: 'France' },
  F2: { name: 'Ligue 2', country: 'France' },
  N1: { name: 'Eredivisie', country: 'Netherlands' },
  B1: { name: 'First Division A', country: 'Belgium' },
  P1: { name: 'Primeira Liga', country: 'Portugal' },
  T1: { name: 'Süper Lig', country: 'Turkey' },
  G1: { name: 'Super League', country: 'Greece' },
};
