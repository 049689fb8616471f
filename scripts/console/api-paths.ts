import { routes } from '#lambda/lookup-api/app.ts';
import { matchPattern, pathSegments } from '#lambda/lookup-api/router.ts';

/** True when a path is one of the lookup API's routes (any method): the only paths the console proxy forwards. */
export const isApiPath = (pathname: string): boolean => {
  let segments: string[];
  try {
    segments = pathSegments(pathname);
  } catch {
    return false; // not valid percent-encoding: no route can match it
  }
  return routes.some((route) => matchPattern(route.pattern, segments) !== null);
};
